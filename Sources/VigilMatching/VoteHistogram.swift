/// Eligible fingers counted by vote, and the work each vote's fingers bring
/// the next stage (the matcher's: their cylinders; the pose check's: their
/// collisions with the probe). Each stage admits fingers from the highest
/// vote down while its own rule allows (`walkDown`).
struct VoteHistogram {
    var fingers: [Int]
    var work: [Int]

    init(highest: Int) {
        fingers = [Int](repeating: 0, count: highest + 1)
        work = fingers
    }

    /// Counts one finger with `vote` and the work it brings.
    @inline(__always)
    mutating func add(vote: UInt32, work fingerWork: Int) {
        fingers[Int(vote)] += 1
        work[Int(vote)] += fingerWork
    }

    static func += (total: inout VoteHistogram, part: VoteHistogram) {
        for vote in part.fingers.indices {
            total.fingers[vote] += part.fingers[vote]
            total.work[vote] += part.work[vote]
        }
    }

    /// From the highest vote down to `floor`, admits each vote's fingers
    /// and work while `goOn(fingers, work, nextWork)` holds for what is
    /// admitted so far and the next vote's work; returns the lowest vote
    /// admitted and the totals.
    func walkDown(to floor: Int = 0, while goOn: (_ fingers: Int, _ work: Int, _ nextWork: Int) -> Bool)
        -> (vote: Int, fingers: Int, work: Int) {
        var vote = fingers.count - 1, admitted = fingers[vote], total = work[vote]
        while vote > floor && goOn(admitted, total, work[vote - 1]) {
            vote -= 1
            admitted += fingers[vote]
            total += work[vote]
        }
        return (vote, admitted, total)
    }
}
