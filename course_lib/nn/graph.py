"""Provisional: el grafo del API funcional (se completa en el siguiente paso)."""


def is_symbolic_call(args, kwargs):
    return False


def symbolic_call(layer, args, kwargs):
    raise NotImplementedError
