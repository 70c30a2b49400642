// `import HuntDB` brings the public API of every layer; each layer is its own target, so the
// compiler enforces which may use which (see ARCHITECTURE.md).
@_exported import Model
@_exported import Normalize
@_exported import Store
@_exported import Ingest
@_exported import Detect
@_exported import Query
@_exported import Output
@_exported import Report
@_exported import Generate
