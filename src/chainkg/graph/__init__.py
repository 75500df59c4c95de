"""The chain taxonomy (networkx) and its pairing with the company tables."""
