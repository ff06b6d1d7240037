package test.malformed.nomsg

deny contains {"message": "msg is spelled wrong", "subject": "P1"}
