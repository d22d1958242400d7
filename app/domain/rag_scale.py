"""The red, amber and green scale that milestones, risks, workstreams and reports are rated on."""

from enum import StrEnum


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        """The status as people read it: "Red", "Amber", "Green"."""
        return self.value.capitalize()

    @property
    def severity(self) -> int:
        """2 for red, 1 for amber, 0 for green: higher is worse, for ordering and comparison."""
        return _SEVERITY[self]


_SEVERITY = {Rag.GREEN: 0, Rag.AMBER: 1, Rag.RED: 2}
