"""Reading Kepler: its metric names, a fast exposition parser and typed readings."""
