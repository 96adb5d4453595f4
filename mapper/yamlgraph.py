"""The size of a composed YAML node graph once its aliases are expanded, computed without expanding them.

An alias makes a node shared: ``mapper.yamlsafe`` bounds the values a document expands to ("billion laughs"),
which only a walk of the graph that counts each shared node once, with its expanded size, can tell cheaply.
"""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, SequenceNode

__all__ = ["expanded_size"]


def expanded_size(root: Node, limit: int) -> int:
    """Number of nodes the document has once aliases are expanded, computed without expanding them.

    Counting stops past ``limit`` (the result is then ``limit + 1``); a recursive alias (``&a [*a]``) expands
    without end and counts as over the limit.
    """
    memo: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1
            for child in _children(node):
                total += memo[id(child)]
                if total > limit:
                    break
            memo[key] = min(total, limit + 1)
            continue
        if key in memo:
            continue
        if key in on_path:
            return limit + 1
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                return limit + 1
            if id(child) not in memo:
                stack.append((child, False))
    return memo[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []
