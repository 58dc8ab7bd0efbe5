/* The work order screen's server state, every call through the generated client; each write refreshes the lists (here and the providers' own). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Schemas } from '@sessionledger/api-client';
import { call, useApi } from '../api/useApi';
import { workOrderQuery, type WorkOrderFilters } from './filters';

export type WorkOrder = Schemas['WorkOrderReply'];
export const WORK_ORDERS_PAGE_SIZE = 25;

export function useWorkOrders(filters: WorkOrderFilters, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['work-orders', 'admin', filters],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: async () => call(api.GET('/api/work-orders', { params: { query: workOrderQuery(filters, WORK_ORDERS_PAGE_SIZE) } })),
  });
}

function useRefresh() {
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: ['work-orders'] });
}

export function useCreateWorkOrder() {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation<WorkOrder, Error, Schemas['CreateWorkOrderRequest']>({
    mutationFn: async (body) => call(api.POST('/api/work-orders', { body })),
    onSuccess: refresh,
  });
}

export function useUpdateWorkOrder() {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation<WorkOrder, Error, { id: string; body: Schemas['UpdateWorkOrderRequest'] }>({
    mutationFn: async ({ id, body }) => call(api.PATCH('/api/work-orders/{id}', { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
}

/** Deactivating or reactivating: the API takes no version for either, the state itself is the guard. */
export function useSetActive() {
  const api = useApi();
  const refresh = useRefresh();
  return useMutation<WorkOrder, Error, { id: string; active: boolean }>({
    mutationFn: async ({ id, active }) =>
      call(active ? api.POST('/api/work-orders/{id}/reactivate', { params: { path: { id } } }) : api.POST('/api/work-orders/{id}/deactivate', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

/** One work order read again, for the form's "Reload" after someone else changed it. */
export function useFetchWorkOrder() {
  const api = useApi();
  return (id: string) => call(api.GET('/api/work-orders/{id}', { params: { path: { id } } }));
}
