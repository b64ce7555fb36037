/// A request to own one job instance, keyed by (job, scheduled instant).
struct JobClaim {
    /// A first run and one retry after its scheduler died: then the instance is failed.
    static let maximumAttempts = 2

    let job: String
    let plugin: String
    let slot: Timestamp
    /// `schedule` or `manual` (`crm job run`).
    let trigger: String
    let owner: String
    let leaseSeconds: Int
}

/// A scheduler process as it registers itself.
struct SchedulerRecord {
    let id: String
    let host: String
    let pid: Int32
    let startedAt: Timestamp
    let periodSeconds: Int
    /// Whether it appears in `scheduler status` (`crm job run` only renews its own lease).
    let registers: Bool
}

/// One job instance as `crm job history` shows it.
public struct JobInstance: Sendable, Equatable {
    public let job: String
    public let plugin: String
    public let scheduledFor: Timestamp
    /// `schedule` or `manual`.
    public let trigger: String
    /// `running`, `succeeded` or `failed`.
    public let outcome: String
    public let attempts: Int
    public let owner: String?
    public let leaseExpiresAt: Timestamp?
    public let heartbeatAt: Timestamp?
    public let startedAt: Timestamp
    public let finishedAt: Timestamp?
    public let error: String?
}

/// What the database remembers about a job: when the scheduler first saw it, its failure
/// streak and whether it is paused.
public struct JobState: Sendable, Equatable {
    public let name: String
    public let firstSeenAt: Timestamp
    public let consecutiveFailures: Int
    public let pausedAt: Timestamp?
    public let pausedReason: String?
}

/// A scheduler's registration and last heartbeat, for `crm scheduler status`.
public struct SchedulerHeartbeat: Sendable, Equatable {
    public let id: String
    public let host: String
    public let pid: Int
    public let startedAt: Timestamp
    public let heartbeatAt: Timestamp
    /// The scheduler promised to beat at least this often.
    public let periodSeconds: Int
    public let stoppedAt: Timestamp?

    /// Beat within its period before `now` and has not stopped.
    public func isAlive(at now: Timestamp) -> Bool {
        stoppedAt == nil
            && now.microsecondsSinceEpoch - heartbeatAt.microsecondsSinceEpoch <= Int64(periodSeconds) * Timestamp.microsecondsPerSecond
    }
}
