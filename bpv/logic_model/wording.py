"""How findings and errors name keys, edges and nodes, so every message reads the same way."""

from __future__ import annotations

from collections.abc import Sequence

from bpv.logic_model.elements import EdgeRef, Node, NodeKind


def quoted(key: str) -> str:
    return f"'{key}'"


def arrow(pair: EdgeRef) -> str:
    return f"'{pair[0]}' → '{pair[1]}'"


def listed(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def named(keys: Sequence[str], most: int = 8) -> str:
    """Keys for a message, shortened so a cycle through hundreds of nodes stays readable."""
    quoted_keys = [quoted(key) for key in keys[:most]]
    if len(keys) > most:
        return f"{', '.join(quoted_keys)} and {len(keys) - most} more"
    return listed(quoted_keys)


def described(node: Node) -> str:
    """'an outcome' or 'a long-term outcome', for messages."""
    if node.kind is NodeKind.OUTCOME and node.term is not None:
        return f"a {node.term.value}-term outcome"
    return f"an {node.kind.value}"  # every kind name starts with a vowel
