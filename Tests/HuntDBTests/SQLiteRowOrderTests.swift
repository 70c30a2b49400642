@testable import Detect
import Model
import XCTest

/// The merge of a split rule's parts orders rows as SQLite's ascending ORDER BY does.
final class SQLiteRowOrderTests: XCTestCase {
    func testStorageClasses_thenValues_inSQLitesOrder() {
        let ascending: [RowValue] = [.null, .integer(-5), .real(-4.5), .integer(0), .real(0.5), .integer(1),
                                     .integer(Int64.max), .text(""), .text("Z"), .text("a"), .text("ab"), .text("é"),
                                     .blob([]), .blob([0]), .blob([1, 0])]
        for (i, a) in ascending.enumerated() {
            for (j, b) in ascending.enumerated() {
                let expected = i < j ? -1 : (i == j ? 0 : 1)
                XCTAssertEqual(SQLiteRowOrder.compare(a, b), expected, "\(a) against \(b)")
            }
        }
    }

    func testRows_areOrderedByTheirSlots_mostSignificantFirst() {
        let order = SQLiteRowOrder(slots: [2, 0])
        let early: [RowValue] = [.integer(9), .text("x"), .integer(100)]
        let tie: [RowValue] = [.integer(3), .text("y"), .integer(100)]
        let late: [RowValue] = [.integer(1), .text("z"), .integer(101)]
        XCTAssertTrue(order.precedes(tie, early), "equal first slot: the second decides")
        XCTAssertTrue(order.precedes(early, late))
        XCTAssertFalse(order.precedes(early, early), "a row does not precede itself")
        XCTAssertTrue(order.precedes([.null, .null, .null], tie), "NULL first, as the count row of a split rule")
    }
}
