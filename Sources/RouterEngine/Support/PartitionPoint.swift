extension RandomAccessCollection {
    /// The first position whose element `isAfter` holds for, in a collection where every such
    /// element comes after every other (one kept in order, asked for the first at or past a
    /// value); `endIndex` when there is none. A binary search: the routing tasks, the requests
    /// held and the waiting ones are each kept in id order and found this way, and the simulation
    /// finds times and weights in sorted arrays.
    @inlinable
    package func partitionPoint(where isAfter: (Element) throws -> Bool) rethrows -> Index {
        var low = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let middle = index(low, offsetBy: half)
            if try isAfter(self[middle]) {
                count = half
            } else {
                low = index(after: middle)
                count -= half + 1
            }
        }
        return low
    }

    /// The position of the element whose key (`keyOf`) is `key`, in a collection kept in order of
    /// those keys; nil when no element has it.
    @inlinable
    package func index<Key: Comparable>(ofKey key: Key, by keyOf: (Element) -> Key) -> Index? {
        let index = partitionPoint { keyOf($0) >= key }
        return index < endIndex && keyOf(self[index]) == key ? index : nil
    }
}
