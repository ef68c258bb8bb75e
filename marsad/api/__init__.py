"""HTTP API over the event database: `from marsad.api.app import create_app`."""
