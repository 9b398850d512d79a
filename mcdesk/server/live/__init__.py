"""The live board's server side: stations' live state, proctor commands, change notices."""
