"""Best Possible Value appraisal: the pure domain, usable without a server or a database."""
