package test.malformed.number

deny contains 42
