"""The analysts' dashboard: static assets under `static/`, served by `marsad.api.app`."""
