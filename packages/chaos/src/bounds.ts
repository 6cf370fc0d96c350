/** What the chaos run allows (issue 18): after every fault, each user's AstDB target right within 5 s. */
export const MAX_RESYNC_S = 5;
