"""The live channel between a station and its server: live state up, proctor commands down."""
