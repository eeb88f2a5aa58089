package msg

// directoryTexts: reading cybozu.com (directory, directory/cybozu).
var directoryTexts = map[string]entry{}
