package port

// Hooks for the external tests: error-message construction that cannot be
// reached for real when tests run as root.
var (
	PermissionMessage = permissionMessage
	SerialOpenError   = serialOpenError
)
