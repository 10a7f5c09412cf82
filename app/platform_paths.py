"""Which platform a path belongs to: the ``PlatformSpec.path_prefixes`` of every contract, longest first.

Paths outside the five contracts get a name of their own: ``sandbox`` (``/_sandbox``), ``schema``
(the OpenAPI pages), ``health`` (``/api/health``), ``tribble`` for its Socket.IO mount, else
``other``. The request journal names each entry's platform with it (when the journal is read) and
fault rules match on it.
"""

from __future__ import annotations

from app.platforms.base import PlatformSpec

# Paths no PlatformSpec lists, longest first like the specs' prefixes.
OUTSIDE: tuple[tuple[str, str], ...] = (
    ("/socket.io", "tribble"),
    ("/api/health", "health"),
    ("/_sandbox", "sandbox"),
    ("/schema", "schema"),
)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix.rstrip("/") + "/")


class PlatformPaths:
    def __init__(self, specs: list[PlatformSpec]) -> None:
        pairs = [(prefix, spec) for spec in specs for prefix in spec.path_prefixes]
        self.by_prefix: list[tuple[str, PlatformSpec]] = sorted(pairs, key=lambda p: -len(p[0]))
        self.names = sorted({spec.name for spec in specs} | {name for _, name in OUTSIDE} | {"other"})

    def spec_of(self, path: str) -> PlatformSpec | None:
        for prefix, spec in self.by_prefix:
            if _under(path, prefix):
                return spec
        return None

    def spec_for(self, path: str) -> PlatformSpec | None:
        """The spec of the platform a path belongs to, its Socket.IO mount included."""
        spec = self.spec_of(path)
        if spec is None:
            name = self.platform_of(path)
            spec = next((s for _, s in self.by_prefix if s.name == name), None)
        return spec

    def platform_of(self, path: str) -> str:
        for prefix, name in OUTSIDE:
            if _under(path, prefix):
                return name
        spec = self.spec_of(path)
        return spec.name if spec is not None else "other"
