"""Extractors: one module each, pure functions over the shared Doc and the layers before them.

Order (see `marsad.pipeline.analyse`):

    entities.extract_entities(doc)                    -> list[Entity]     (NER model + lexicons)
    actors.resolve_actors(doc, entities)              -> list[Entity]     (canonical, actor_code filled)
    times.extract_times(doc)                          -> list[TimeExpr]
    places.extract_places(doc, entities)              -> list[Place]      (geo resolution of GPE/LOC/FAC)
    quotes.extract_quotes(doc, layers)                -> list[Quote]
    events.extract_events(doc, layers)                -> list[Event]

`layers` is a `marsad.pipeline.Layers` holding the results of the earlier steps. Extractors
never tokenise text themselves: they read `doc.tokens`, `doc.sentences` and the layers, and
build spans with `doc.span(start, end)` / `doc.token_span(first, last)` so offsets always
point into the original text. Resources (lexicons, models, gazetteers) load once per process
(module-level `functools.lru_cache`d loaders).
"""
