# Sourced by bin/hdfs, as by upstream's scripts. Empty: the image takes its settings from the environment.
