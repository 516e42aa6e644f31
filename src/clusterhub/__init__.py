"""ClusterHub: the shared platform of a regional automotive industry cluster."""

__version__ = "0.1.0"
