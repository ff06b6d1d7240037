package test.check

deny contains {"msg": "check", "check": input.check, "records": count(input.records), "cohorts": input.cohorts}
