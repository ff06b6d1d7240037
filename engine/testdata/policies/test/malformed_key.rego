package test.malformed.key

deny contains {"msg": "key is a number", "subject": "P1", "key": 7}
