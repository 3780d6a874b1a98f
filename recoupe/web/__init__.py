"""Web UI of recoupe: Jinja2 templates and static files (package data) and the server-side timeline plot."""
