@_exported import CLua
