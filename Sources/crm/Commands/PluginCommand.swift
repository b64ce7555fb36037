import ArgumentParser
import CRMCore
import Foundation

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin",
        abstract: "List, inspect, check and configure the Lua plugins.",
        discussion: """
            Plugins are .lua files in the plugin folders (--plugins DIR, $CRM_PLUGINS, else ./plugins).
            Dropping a file in is all it takes; `crm plugin check FILE` tests one before you do.
            See docs/plugins.md and plugins/crm.d.lua.
            """,
        subcommands: [List.self, Check.self, Info.self, Set.self, Reset.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the plugins found, and the ones that failed to load with why.",
            discussion: """
                Exits 1 when a plugin failed to load (status "failed"), including two files that
                define the same name. Hidden files and editor leftovers (.*, #*, *~) are not plugins.

                Example:
                  crm plugin list --plugins plugins --plugins examples/plugins
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "table, csv or json.") var format: OutputFormat = .table

        func run() throws {
            let catalog = try global.loadPlugins(warn: false, allowConflicts: true)
            var rows: [[String?]] = catalog.plugins.map { plugin in
                [
                    plugin.name, plugin.version, plugin.file,
                    (plugin.definition.segmentations.map(\.name) + plugin.definition.scores.map { "score:" + $0.name }
                        + plugin.definition.actions.map { "action:" + $0.name }
                        + plugin.definition.jobs.map { "job:" + $0.name }).joined(separator: " "),
                    "loaded", plugin.definition.description,
                ]
            }
            rows += catalog.failures.map { failure in
                [nil, nil, failure.file, nil, "failed", failure.problems.first.map { $0.description } ]
            }
            try Output(format: format).print(columns: ["name", "version", "file", "defines", "status", "description"], rows: rows)
            if !catalog.failures.isEmpty {
                Progress.warn("\(catalog.failures.count) plugin(s) failed to load; `crm plugin check FILE` shows every problem")
                throw ExitCode.failure
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a plugin file in the sandbox, validate it and run its examples.",
            discussion: """
                Exits 0 when the plugin is fine, 1 with every problem otherwise. Warnings (a declared
                segment no rule returns, no examples) do not fail the check. Action triggers are
                checked against the segmentations of the file and of the installed plugins
                (--plugins).

                Example:
                  crm plugin check my_scoring.lua
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The .lua file.") var file: String

        func run() throws {
            switch PluginCatalog.check(file: file) {
            case .failure(let failure):
                throw failure
            case .success(let plugin):
                let installed = try global.loadPlugins(required: false, warn: false, allowConflicts: true).segmentations.map(\.segmentation)
                let triggers = PluginCatalog.triggerProblems(of: plugin, known: plugin.definition.segmentations + installed)
                if !triggers.isEmpty { throw PluginFailure(file: file, problems: triggers) }
                let check = PluginCheck.run(plugin)
                var parts: [String] = []
                if !plugin.definition.segmentations.isEmpty {
                    parts.append("segmentations: " + plugin.definition.segmentations.map(\.name).joined(separator: ", "))
                }
                if !plugin.definition.scores.isEmpty {
                    parts.append("scores: " + plugin.definition.scores.map(\.name).joined(separator: ", "))
                }
                if !plugin.definition.actions.isEmpty {
                    parts.append("actions: " + plugin.definition.actions.map(\.name).joined(separator: ", "))
                }
                if !plugin.definition.jobs.isEmpty {
                    parts.append("jobs: " + plugin.definition.jobs.map { "\($0.name) (\($0.schedule.expression) \($0.schedule.zoneName))" }.joined(separator: ", "))
                }
                print("\(file): plugin '\(plugin.name)' \(plugin.version) loads; " + parts.joined(separator: "; "))
                for example in check.examples {
                    let label = "\(example.segmentation) example \(example.number)"
                    if example.passed {
                        print("  ok    \(label): \(example.expected)" + (example.reason.map { " (\($0))" } ?? ""))
                    } else if let error = example.error {
                        print("  FAIL  \(label): expected \(example.expected), failed: \(error)")
                    } else {
                        print("  FAIL  \(label): expected \(example.expected), got \(example.actual ?? "nil")")
                    }
                }
                printScores(plugin)
                for warning in check.warnings { print("  warning: \(warning)") }
                if !check.passed { throw ExitCode.failure }
            }
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a plugin's segmentations, segments, ranks, profile windows, parameters and file hash.",
            discussion: "Example:\n  crm plugin info rfm")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The plugin's name.") var name: String

        func run() throws {
            let plugin = try global.plugin(named: name)
            print("\(plugin.name) \(plugin.version): \(plugin.definition.description)")
            print("file         \(plugin.file)")
            print("sha256       \(plugin.hash)")
            print("permissions  \(plugin.definition.permissions.isEmpty ? "none" : plugin.definition.permissions.joined(separator: ", "))")
            print("profile      \(plugin.definition.profile.summary)")
            let parameters = FileManager.default.fileExists(atPath: global.databasePath)
                ? try PluginParameters.resolve(plugin, in: try global.openDatabase()).entries
                : plugin.definition.params.map { PluginParameters.Entry(key: $0.key, value: $0.value, defaultValue: $0.value) }
            if parameters.isEmpty {
                print("params       none")
            } else {
                print("params")
                for entry in parameters {
                    print("  \(entry.key) = \(entry.value)" + (entry.isOverridden ? " (default \(entry.defaultValue), set in \(global.databasePath))" : ""))
                }
            }
            for segmentation in plugin.definition.segmentations {
                print("segmentation \(segmentation.name)" + (segmentation.description.map { ": \($0)" } ?? ""))
                print("  segments   \(segmentation.segments.joined(separator: ", "))")
                for rank in segmentation.ranks {
                    print("  rank       \(rank.name) = NTILE(\(rank.tiles)) by \(rank.field) \(rank.descending ? "desc" : "asc") among \(rank.among.rawValue)")
                }
                for share in segmentation.shareRanks {
                    print("  rank       \(share.name) = cumulative share of \(share.field) \(share.descending ? "desc" : "asc") among \(share.among.rawValue)")
                }
                if !segmentation.stats.isEmpty { print("  stats      \(segmentation.stats.joined(separator: ", "))") }
                for frequency in segmentation.frequencies {
                    print("  frequencies \(frequency.name): \(frequency.fields.joined(separator: ", ")) where \(frequency.rank) >= \(frequency.atLeast)")
                }
                print("  examples   \(segmentation.examples.count)")
            }
            printScores(plugin)
            for action in plugin.definition.actions {
                print("action \(action.name)" + (action.description.map { ": \($0)" } ?? ""))
                print("  on         \(action.trigger.summary)" + (action.condition == nil ? "" : ", when its condition holds"))
                print("  re-entry   \(action.reentry)" + (action.holdout > 0 ? ", holdout \(action.holdout * 100)%" : "")
                    + (action.transactional ? ", transactional" : ""))
            }
            for job in plugin.definition.jobs {
                print("job \(job.name): \(job.schedule.expression) \(job.schedule.zoneName), budget \(Int(job.budget)) s" + (job.description.map { ": \($0)" } ?? ""))
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Override a plugin parameter in this database (the plugin file is not edited).",
            discussion: "Example:\n  crm plugin set lifecycle churned_days 540")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The plugin's name.") var name: String
        @Argument(help: "The parameter.") var key: String
        @Argument(help: "The new value, of the parameter's type.") var value: String

        func run() throws {
            let database = try global.openDatabase()
            try PluginParameters.set(try global.plugin(named: name), key: key, text: value, in: database)
            print("\(name).\(key) = \(value) in \(global.databasePath)")
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a parameter override so the plugin's default applies again.",
            discussion: "Example:\n  crm plugin reset lifecycle churned_days")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The plugin's name.") var name: String
        @Argument(help: "The parameter.") var key: String

        func run() throws {
            let database = try global.openDatabase()
            try PluginParameters.reset(try global.plugin(named: name), key: key, in: database)
            print("\(name).\(key) is back to its default in \(global.databasePath)")
        }
    }
}

/// How each score of a plugin is post-processed by the core: decay (and what a missing age
/// means) and rounding.
private func printScores(_ plugin: LoadedPlugin) {
    for score in plugin.definition.scores {
        var line = "  score \(score.name):"
        if let decay = score.decay { line += " decay \(decay.summary);" }
        line += score.decimals.map { " rounded to \($0) decimals" } ?? " stored as computed"
        print(line)
    }
}
