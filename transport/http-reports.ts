// GET /api/reports/:id/export?format=csv|json|md: a report as a file, as `skylapse report export` writes it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { EXPORT_FORMATS, exportReport } from '../app/report-export.ts';
import type { Controller } from '../app/controller.ts';
import { errorMessage, ProtocolError } from './protocol.ts';

const params = z.object({ id: z.string().uuid() });
const query = z.object({ format: z.enum(EXPORT_FORMATS).default('csv') });

/** Only what the route needs of the app: the server's logger type makes its FastifyInstance a type of its own. */
type Routes = { get(path: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): unknown };

export function registerReportRoutes(app: Routes, o: { controller: Controller; now: () => Date }): void {
  app.get('/api/reports/:id/export', async (req, reply) => {
    const p = params.safeParse(req.params);
    const q = query.safeParse(req.query);
    if (!p.success || !q.success) {
      const issues = [...(p.error?.issues ?? []), ...(q.error?.issues ?? [])].map((i) => ({ path: i.path.join('.'), message: i.message }));
      return reply.status(400).send(errorMessage(new ProtocolError('VALIDATION_ERROR', 'Expected /api/reports/<uuid>/export?format=csv|json|md', { issues }), undefined, o.now()));
    }
    let report;
    try {
      report = o.controller.reports.get(p.data.id);
    } catch (error) {
      if (error instanceof ProtocolError && error.code === 'NOT_FOUND') return reply.status(404).send(errorMessage(error, undefined, o.now()));
      throw error;
    }
    const file = exportReport(report, q.data.format);
    return reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.body);
  });
}
