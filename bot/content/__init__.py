"""Contest content: contest.toml (contest, tracks, prizes, deadlines, resources) and its checks."""
