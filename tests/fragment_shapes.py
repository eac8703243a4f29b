"""Fragment-graph documents shared by the limit tests and the fuzz run: fan-out chains (the
exponential-walk attack) and generated graphs with unknown and cyclic spreads."""

from graphql import SelectionNode, visit
from graphql.language import Visitor
from hypothesis import strategies as st


def fan_out_chain(k: int, end: str, fan: int = 2) -> str:
    """k fragments, each spreading the next `fan` times; the last one holds `end`."""
    spreads = " ".join(["...F{}"] * fan)
    chain = [f"fragment F{i} on Query {{ {spreads.format(*[i + 1] * fan)} }}" for i in range(k)]
    return "query Attack { ...F0 } " + " ".join(chain) + f" fragment F{k} on Query {{ {end} }}"


LEAVES = [
    "__typename",
    "sections { title }",
    "home { title }",
    "articles(first: 20) { edges { node { title } } }",
    "a{i}: sections {{ slug }}",
    "topics { name }",
]


@st.composite
def fragment_graphs(draw):
    count = draw(st.integers(1, 7))
    bodies = []
    for index in range(count):
        items = []
        for item in range(draw(st.integers(1, 5))):
            kind = draw(st.integers(0, 9))
            if kind < 5:
                target = draw(st.integers(0, count))  # `count` names no fragment
                items.append(f"...F{target}")
            else:
                leaf = draw(st.sampled_from(LEAVES))
                items.append(leaf.format(i=f"{index}x{item}") if "{i}" in leaf else leaf)
        bodies.append(" ".join(items))
    roots = draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=3))
    operation = "query G { " + " ".join(f"...F{r}" for r in roots) + " }"
    fragments = " ".join(f"fragment F{i} on Query {{ {b} }}" for i, b in enumerate(bodies))
    return operation + " " + fragments, bodies, roots


@st.composite
def fan_out_chains(draw):
    """Chains of the attack's shape, ending in an unknown spread, a cycle or real fields."""
    k = draw(st.integers(1, 60))
    fan = draw(st.integers(1, 4))
    end = draw(
        st.sampled_from(
            [
                "...Nope",
                f"...F{k}",
                "...F0",
                "sections { title }",
                "home { title } sections { slug }",
            ]
        )
    )
    return fan_out_chain(k, end, fan)


def selections(document) -> int:
    """Fields, inline fragments and spreads written in the document."""
    count = 0

    class Count(Visitor):
        def enter(self, node, *_args):
            nonlocal count
            count += isinstance(node, SelectionNode)

    visit(document, Count())
    return count
