package test.random

# Draws a number and a UUID: with OPA's default, crypto/rand, every run
# would differ.
deny contains sprintf("%d %s", [rand.intn("draw", 1000000000), uuid.rfc4122("id")])
