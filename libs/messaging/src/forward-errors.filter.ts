import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC exception filter turns anything but an `RpcException`
 * into `{ status: 'error', message: 'Internal server error' }`, so a
 * `DomainError` thrown by a handler (404, 409, 400 with fields) would reach
 * the caller as a 500. This filter hands the original error back to the
 * BullMQ server, whose `errorReply` sends domain errors as they are and
 * internals as `INTERNAL`. `messagingTransport()` installs it for every
 * message handler of a service app.
 */
@Catch()
export class ForwardErrorsToCaller implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
