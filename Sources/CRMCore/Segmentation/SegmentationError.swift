import LuaBridge

/// A segmentation run that failed: where in the plugin, for which customer, and what happened.
/// The previous memberships stay as they were.
///
/// Reads like `plugins/vip.lua:12: in function 'classify': customer 42: attempt to compare nil with number`.
public struct SegmentationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let segmentation: String
    public let file: String
    public let line: Int?
    public let function: String?
    public let customerID: String?
    public let message: String

    init(segmentation: String, file: String, customerID: String?, error: LuaError, calling: String? = nil) {
        self.segmentation = segmentation
        self.file = file
        line = error.line
        function = error.function ?? calling
        self.customerID = customerID
        message = error.kind == .budget || error.kind == .timeout || error.kind == .memory
            ? "\(error.message) (the plugin's limit for one call)" : error.message
    }

    init(segmentation: String, file: String, function: String?, customerID: String?, message: String) {
        self.segmentation = segmentation
        self.file = file
        line = nil
        self.function = function
        self.customerID = customerID
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ":"
        if let function, !function.isEmpty { text += " in function '\(function)':" }
        if let customerID { text += " customer \(customerID):" }
        return text + " " + message
    }
}
