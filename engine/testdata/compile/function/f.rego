package test.fn

deny(x) := x

warn contains "fine"
