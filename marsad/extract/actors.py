"""Actor resolution (placeholder until the actor dictionaries land)."""


def resolve_actors(doc, entities):
    return entities
