"""Places: the gazetteer (`gazetteer.py`), resolution of place mentions and event locations
(`resolve.py`), nisba adjectives (`nisba.py`). The extractor entry point is
`marsad.extract.places.extract_places`; the events extractor calls
`marsad.geo.resolve.event_location`."""
