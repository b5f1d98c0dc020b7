"""Corpus preparation and co-occurrence counting on a Dask cluster (the optional extra `dask`).

The corpus is cut into partitions (wordvec.cluster.partitions) that workers read from a path
they share; workers count words, encode their partitions to id shards and count co-occurrences
into sorted shards (wordvec.cluster.tasks); the client merges counts into the vocabulary and the
shards into the usual cached corpus and co-occurrence folder (wordvec.cluster.prepare,
wordvec.cluster.cooccur). Results are the same as on one machine. Nothing here is imported unless
--dask is given.
"""
