"""One package per contract, all alike (routes, schemas, errors, render).

Each package exposes ``PLATFORM`` (a ``PlatformSpec``) and ``install(sandbox)``. Add a
package's name here when it is ready to be served.
"""

PLATFORMS: list[str] = ["cashier", "nivo", "twallet", "drop", "tribble"]
