"""Landscapes made of data: datasets, models, the small network and its slice, minibatches, the surface child process."""
