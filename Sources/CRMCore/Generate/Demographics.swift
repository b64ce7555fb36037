/// The static attributes of synthetic customers — name, contact, gender, birth date, city,
/// industry, company size, occupation — drawn from small realistic lists.
///
/// Mostly plain ASCII, with a steady trickle of what real files contain: accented and CJK names,
/// `"Last, First"` and `"Nick"` names that need quoting, a city with a comma, empty fields.
struct Demographics: Sendable {
    private struct Person: Sendable {
        let name: [UInt8]
        /// ASCII for the email address.
        let slug: [UInt8]
        let gender: [UInt8]
    }

    private struct City: Sendable {
        let name: [UInt8]
        let dialingCode: [UInt8]
    }

    private let firstNames: [Person]
    private let lastNames: [Person]
    private let fullNames: [Person]
    private let nicknames: [[UInt8]]
    private let cities: [City]
    private let domains: [[UInt8]]
    private let industries: [[UInt8]]
    private let occupations: [[UInt8]]
    private let companySizes: [[UInt8]]
    private let companySizeWeights = [30, 25, 20, 15, 10]

    static let standard = Demographics()

    private init() {
        func person(_ name: String, _ slug: String, _ gender: String = "") -> Person {
            Person(name: Array(name.utf8), slug: Array(slug.utf8), gender: Array(gender.utf8))
        }
        firstNames = [
            person("James", "james", "M"), person("Mary", "mary", "F"), person("John", "john", "M"),
            person("Patricia", "patricia", "F"), person("Robert", "robert", "M"), person("Jennifer", "jennifer", "F"),
            person("Michael", "michael", "M"), person("Linda", "linda", "F"), person("David", "david", "M"),
            person("Elizabeth", "elizabeth", "F"), person("José", "jose", "M"), person("María", "maria", "F"),
            person("Zoë", "zoe", "F"), person("Søren", "soren", "M"), person("François", "francois", "M"),
            person("Chloé", "chloe", "F"), person("Ahmed", "ahmed", "M"), person("Fatima", "fatima", "F"),
            person("Priya", "priya", "F"), person("Arjun", "arjun", "M"), person("Lukas", "lukas", "M"),
            person("Emma", "emma", "F"), person("Noah", "noah", "M"), person("Mia", "mia", "F"),
            person("Olga", "olga", "F"), person("Ivan", "ivan", "M"), person("Kenji", "kenji", "M"),
            person("Aiko", "aiko", "F"), person("Minjun", "minjun", "M"), person("Seo-yeon", "seoyeon", "F"),
        ]
        lastNames = [
            "Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Müller", "Rossi", "Kim", "Nguyen",
            "Novák", "O'Brien", "Dubois", "Silva", "Kowalski", "Andersson", "Tanaka", "Patel", "Cohen",
            "Jansen", "Łukasik", "Ødegaard",
        ].map { name in
            let ascii = [
                "García": "garcia", "Müller": "mueller", "Novák": "novak", "O'Brien": "obrien", "Łukasik": "lukasik",
                "Ødegaard": "odegaard",
            ]
            return person(name, ascii[name] ?? name.lowercased())
        }
        fullNames = [
            person("王伟", "wang.wei", "M"), person("李娜", "li.na", "F"), person("张敏", "zhang.min", "F"),
            person("刘洋", "liu.yang", "M"), person("山田太郎", "yamada.taro", "M"), person("佐藤花子", "sato.hanako", "F"),
            person("김민준", "kim.minjun", "M"), person("이서연", "lee.seoyeon", "F"),
        ]
        nicknames = ["Bo", "Ace", "Sunny", "Max", "Red"].map { Array($0.utf8) }
        cities = [
            ("New York", "+1"), ("Chicago", "+1"), ("Austin", "+1"), ("Washington, D.C.", "+1"), ("Toronto", "+1"),
            ("Mexico City", "+52"), ("São Paulo", "+55"), ("London", "+44"), ("Dublin", "+353"), ("Paris", "+33"),
            ("Berlin", "+49"), ("München", "+49"), ("Madrid", "+34"), ("Göteborg", "+46"), ("Warsaw", "+48"),
            ("Dubai", "+971"), ("Mumbai", "+91"), ("上海", "+86"), ("北京", "+86"), ("東京", "+81"), ("서울", "+82"),
            ("Sydney", "+61"), ("Lagos", "+234"), ("Singapore", "+65"),
        ].map { City(name: CSVRowWriter.encode($0.0), dialingCode: Array($0.1.utf8)) }
        domains = ["example.com", "example.com", "example.org", "example.net", "mail.example.com"].map {
            Array($0.utf8)
        }
        industries = [
            "Software", "Retail", "Manufacturing", "Healthcare", "Finance", "Education", "Media", "Legal",
            "Energy", "Hospitality", "Logistics", "Food, Beverage", "Construction", "Consulting",
        ].map(CSVRowWriter.encode)
        occupations = [
            "Engineer", "Teacher", "Nurse", "Designer", "Analyst", "Accountant", "Lawyer", "Chef", "Student",
            "Retired", "Owner", "Consultant", "Developer", "Sales Manager", "Marketing Manager",
            "Purchasing Manager", "Engineer, Senior", "Pharmacist", "Architect", "Office Manager",
        ].map(CSVRowWriter.encode)
        companySizes = ["1-10", "11-50", "51-200", "201-1000", "1000+"].map { Array($0.utf8) }
    }

    /// Writes the fields `name,email,phone,gender,birth_date,city,industry,company_size,occupation`
    /// of customer `id`, with ages between 18 and 80 at `asOfDay`.
    func writeAttributes(id: Int64, asOfDay: Int64, random: inout SeededRandom, to row: inout CSVRowWriter) {
        let person = writeName(random: &random, to: &row)
        row.comma()
        if !random.chance(0.02) {
            row.bytes(person.slug)
            if !person.lastSlug.isEmpty {
                row.byte(UInt8(ascii: "."))
                row.bytes(person.lastSlug)
            }
            row.integer(id)
            row.byte(UInt8(ascii: "@"))
            row.bytes(domains[random.below(domains.count)])
        }
        row.comma()
        let city = cities[random.below(cities.count)]
        if !random.chance(0.15) {
            row.bytes(city.dialingCode)
            row.byte(UInt8(ascii: " "))
            row.integer(Int64(random.int(in: 200...999)))
            row.byte(UInt8(ascii: " "))
            row.integer(Int64(random.int(in: 100...999)))
            row.byte(UInt8(ascii: " "))
            row.integer(Int64(random.int(in: 1000...9999)))
        }
        row.comma()
        if !random.chance(0.04) { row.bytes(person.gender) }
        row.comma()
        if !random.chance(0.03) {
            let ageDays = Int64(random.int(in: (18 * 365 + 5)...(80 * 365)))
            row.date(daysSinceEpoch: asOfDay - ageDays)
        }
        row.comma()
        row.bytes(city.name)
        row.comma()
        if !random.chance(0.06) { row.bytes(industries[random.below(industries.count)]) }
        row.comma()
        if !random.chance(0.08) { row.bytes(companySizes[random.pick(weights: companySizeWeights)]) }
        row.comma()
        if !random.chance(0.04) { row.bytes(occupations[random.below(occupations.count)]) }
    }

    /// Writes the name field and returns what the email and gender fields derive from.
    private func writeName(
        random: inout SeededRandom, to row: inout CSVRowWriter
    ) -> (slug: [UInt8], lastSlug: [UInt8], gender: [UInt8]) {
        let quote = UInt8(ascii: "\"")
        let space = UInt8(ascii: " ")
        let style = random.pick(weights: [950, 25, 20, 5])
        if style == 1 {
            let person = fullNames[random.below(fullNames.count)]
            row.bytes(person.name)
            return (person.slug, [], person.gender)
        }
        let first = firstNames[random.below(firstNames.count)]
        let last = lastNames[random.below(lastNames.count)]
        switch style {
        case 2:
            // "Last, First", as exported by many address books.
            row.byte(quote)
            row.bytes(last.name)
            row.byte(UInt8(ascii: ","))
            row.byte(space)
            row.bytes(first.name)
            row.byte(quote)
        case 3:
            // First "Nick" Last: the inner quotes are doubled.
            row.byte(quote)
            row.bytes(first.name)
            row.bytes([space, quote, quote])
            row.bytes(nicknames[random.below(nicknames.count)])
            row.bytes([quote, quote, space])
            row.bytes(last.name)
            row.byte(quote)
        default:
            row.bytes(first.name)
            row.byte(space)
            row.bytes(last.name)
        }
        return (first.slug, last.slug, first.gender)
    }
}
