"""Reading, normalising, checking, loading and writing the graph_data/ files."""
