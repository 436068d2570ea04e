"""View models of the round and bid pages: what the API's answers become on a page (rows,
display figures and chart data), built without the web framework so fast tests can check them."""
