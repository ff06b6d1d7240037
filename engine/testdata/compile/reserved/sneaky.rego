package gpaudit_internal.where.c0

keep contains 0
