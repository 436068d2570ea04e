"""One router per page, all included from app/web/__init__.py."""
