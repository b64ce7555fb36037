/// The shop the synthetic customers buy from: ten categories of four products at fixed prices.
///
/// Within a category the products go from cheap to premium, so a customer's price tier picks
/// the same rung in every category. A few names carry a comma, quotes or non-ASCII text so
/// that importers meet RFC 4180 quoting and UTF-8 in bulk.
struct ProductCatalog: Sendable {
    struct Product: Sendable {
        /// The name as CSV bytes, already quoted where needed.
        let name: [UInt8]
        /// The price in minor units (cents).
        let unitPrice: Int64
    }

    struct Category: Sendable {
        let name: [UInt8]
        /// Cheapest first; index = price tier.
        let products: [Product]
    }

    static let tiersPerCategory = 4

    let categories: [Category]

    static let standard = ProductCatalog(categories: [
        category(
            "Electronics", ("USB-C Cable", 999), ("Wireless Mouse", 2499), ("Bluetooth Speaker", 5990),
            ("Noise-Cancelling Headphones", 19900)),
        category(
            "Home", ("Scented Candle", 1250), ("Cushion Cover, linen", 1990), ("Table Lamp", 4500), ("Wool Rug", 24900)),
        category(
            "Kitchen", ("Tea Towel", 499), ("The \"Classic\" Mug", 850), ("Chef's Knife", 7900),
            ("Espresso Machine", 34900)),
        category(
            "Office", ("Legal Pad", 250), ("Ballpoint Pens (10)", 690), ("Desk Organizer", 1500),
            ("Ergonomic Chair", 28900)),
        category("Books", ("Paperback Novel", 999), ("Cookbook", 2499), ("Atlas", 4500), ("Encyclopedia Set", 15900)),
        category("Grocery", ("乌龙茶 250g", 780), ("Olive Oil 1l", 1290), ("Café Beans 1kg", 1945), ("Gift Hamper", 8900)),
        category("Beauty", ("Lip Balm", 399), ("Hand Cream", 1150), ("Face Serum", 3800), ("Perfume 50ml", 9500)),
        category("Sports", ("Water Bottle", 1490), ("Yoga Mat", 2990), ("Running Shoes", 11900), ("Road Bike", 89900)),
        category(
            "Toys", ("Puzzle, 500 pieces", 1299), ("Building Blocks", 3499), ("Board Game", 4490),
            ("Remote-Control Car", 6900)),
        category(
            "Garden", ("Seed Packet", 299), ("Pruning Shears", 2150), ("Garden Hose 25m", 3990), ("Lawn Mower", 32900)),
    ])

    private static func category(_ name: String, _ products: (String, Int64)...) -> Category {
        Category(
            name: CSVRowWriter.encode(name),
            products: products.map { Product(name: CSVRowWriter.encode($0.0), unitPrice: $0.1) }
        )
    }
}
