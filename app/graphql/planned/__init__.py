"""The planned executor: graphql-core's executor, completing each value whose selection a
plan covers from rows fetched up front (`plans` compiles, `building` runs)."""
