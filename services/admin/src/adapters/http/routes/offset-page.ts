// The answer of a list route paged by limit and offset (destinations, locations): the items, the
// total to page through, and the limit and offset the request used.
import { Type } from '@fastify/type-provider-typebox';

export const offsetPage = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });
