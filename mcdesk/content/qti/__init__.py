"""Import IMS QTI 2.1 and 3.0 item packages into a pack source folder."""
