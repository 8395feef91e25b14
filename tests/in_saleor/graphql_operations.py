"""The support API's operations as the Saleor-tier tests send them."""

CASE_FIELDS = """
  id number subject status priority category channel orderNumber customerEmail isOverdue
  messages { authorType authorName isInternal body bodyHtml }
"""

CREATE = f"""
mutation Create($input: SupportCaseCreateInput!) {{
  supportCaseCreate(input: $input) {{ case {{ {CASE_FIELDS} }} errors {{ field code message }} }}
}}
"""

REPLY = f"""
mutation Reply($id: ID!, $body: String!, $orderToken: UUID, $email: String) {{
  supportCaseReply(id: $id, body: $body, orderToken: $orderToken, email: $email) {{
    case {{ {CASE_FIELDS} }} message {{ body isInternal authorType }} errors {{ field code message }}
  }}
}}
"""

NOTE_ADD = """
mutation Note($id: ID!, $body: String!) {
  supportCaseNoteAdd(id: $id, body: $body) { message { body isInternal } errors { field code message } }
}
"""

UPDATE = """
mutation Update($id: ID!, $input: SupportCaseUpdateInput!) {
  supportCaseUpdate(id: $id, input: $input) {
    case { status priority category assignee { email } changes { field oldValue newValue actorType } }
    errors { field code message }
  }
}
"""

CLOSE = """
mutation Close($id: ID!, $orderToken: UUID, $email: String) {
  supportCaseClose(id: $id, orderToken: $orderToken, email: $email) {
    case { status } errors { field code message }
  }
}
"""

CASE = f"""
query Case($id: ID!, $orderToken: UUID, $email: String) {{
  supportCase(id: $id, orderToken: $orderToken, email: $email) {{ {CASE_FIELDS} }}
}}
"""

CASES = """
query Cases($filter: SupportCaseFilterInput, $sortBy: SupportCaseSortingInput, $first: Int) {
  supportCases(first: $first, filter: $filter, sortBy: $sortBy) {
    totalCount
    edges { node { number subject status order { number } lastMessage { body } assignee { email } } }
  }
}
"""

CASES_FOR_ORDER = """
query CasesForOrder($orderToken: UUID!, $email: String!) {
  supportCasesForOrder(orderToken: $orderToken, email: $email) { number subject }
}
"""

MY_CASES = """
query { me { supportCases { number subject messages { body isInternal } } } }
"""

SETTINGS = """
query { supportSettings { contactEmail phone hours responseTime } }
"""

# --- Service levels and feedback
REPORT = """
query Report($period: SupportReportPeriodInput!, $groupBy: SupportReportGroupByEnum!, $filter: SupportCaseFilterInput) {
  supportReport(period: $period, groupBy: $groupBy, filter: $filter) {
    groupBy periodStart periodEnd delayNoticesSent delayCasesNeedingAPerson
    rows { key label opened resolved reopened backlog firstResponseWithinTarget repliesPerResolution
           csatScore csatResponseRate firstResponse { p50 p75 p90 max } resolution { p50 p75 p90 max } }
    total { key label opened resolved backlog firstResponse { p50 p75 p90 max } csatScore csatResponseRate }
  }
}
"""

RATE = """
mutation Rate($id: ID!, $rating: Int!, $comment: String, $orderToken: UUID, $email: String) {
  supportCaseRate(id: $id, rating: $rating, comment: $comment, orderToken: $orderToken, email: $email) {
    case { status rating { rating comment } } errors { field code message }
  }
}
"""
# --- end service levels and feedback
