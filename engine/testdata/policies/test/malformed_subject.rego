package test.malformed.subject

deny contains {"msg": "subject is a number", "subject": 7}
