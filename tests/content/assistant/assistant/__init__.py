"""A tiny assistant service: one counter, one histogram, one gauge, one dashboard, two alerts."""
